"""python -m airesearch"""

from airesearch.cli.launch import main

main()
