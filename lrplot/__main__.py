from lrplot.cli import main

main(prog_name="lrplot")
