from llmbrief.cli import main

main()
