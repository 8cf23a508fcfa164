from copro_news.cli import main

main()
