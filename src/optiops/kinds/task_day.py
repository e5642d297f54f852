"""A warehouse task day: tasks with skills, release and due times on workers' shifts (``kind: task-day``)."""

from __future__ import annotations

from optiops.kinds.base import Check, Options, ProblemKind, Result, Source, plan_result
from optiops.kinds.registry import register_kind
from optiops.model.labour import TaskDayInstance, TaskDayPlan


class TaskDayKind(ProblemKind):
    """Who does each task and when, at least lateness; CP-SAT."""

    name = "task-day"
    instance_type = TaskDayInstance
    plan_type = TaskDayPlan
    default_time_limit = 10.0
    outputs = ("plan.json", "schedule.csv", "schedule.png")

    def solve(self, instance: TaskDayInstance, options: Options) -> Result:
        from optiops.labour.tasks import solve_task_day

        plan = solve_task_day(instance, time_limit=self.time_limit(options), seed=options.seed,
                              num_workers=options.threads)  # fmt: skip
        result = plan_result(self.name, plan)
        return Result(**{**result.__dict__, "objective": float(plan.lateness)})

    def check(self, instance: TaskDayInstance, plan: TaskDayPlan, options: Options | None = None) -> Check:
        from optiops.labour.tasks import check_task_day

        c = check_task_day(instance, plan)
        return Check(
            kind=self.name, feasible=not c.violations, objective=float(c.lateness), violations=list(c.violations),
            costs={"lateness": float(c.lateness)}, figures={"lateness": c.lateness, "idle": c.idle},
            summary=f"lateness {c.lateness} min, idle {c.idle} min", stated=float(plan.lateness), detail=c,
        )  # fmt: skip

    def tables(self, instance: TaskDayInstance, plan: TaskDayPlan, source: Source | None) -> dict[str, bytes]:
        from optiops.io.plan_csv import schedule_csv

        return {"schedule.csv": schedule_csv(instance, plan).encode()}

    def charts(self, instance: TaskDayInstance, result: Result) -> dict[str, bytes]:
        from optiops.plotting.save import figure_png
        from optiops.plotting.tasks import plot_task_gantt

        plan = result.plan
        return {"schedule.png": figure_png(lambda ax: plot_task_gantt(instance, plan, ax), size=(12.0, 5.0))}

    def summary(self, instance: TaskDayInstance, result: Result) -> str:
        plan = result.plan
        return (
            f"[green]{plan.status}[/green] task day: lateness {plan.lateness} min, idle {plan.idle} min "
            f"({len(instance.tasks)} tasks on {len(instance.workers)} workers, {plan.runtime_s:.1f} s)"
        )


register_kind(TaskDayKind())
