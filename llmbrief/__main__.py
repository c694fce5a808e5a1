from llmbrief.entry import main

main()
