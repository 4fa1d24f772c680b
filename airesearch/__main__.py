"""python -m airesearch"""

from airesearch.launch import main

main()
