#!/usr/bin/env python3
"""Stadtbild: 3D city-model viewer and planning tool. ``python main.py --help`` lists the commands;
without arguments the desktop window opens on the bundled demo district."""
import sys

from stadtbild.cli import main

if __name__ == "__main__":
    sys.exit(main())
