from redduck.server.cli import main

main()
