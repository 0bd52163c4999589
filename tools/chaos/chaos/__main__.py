from chaos.cli import main

main(prog_name="python -m chaos")
