from optiops.cli.main import main

main()
