"""Qt Linguist translations of the window (``stadtbild_de.ts`` → ``stadtbild_de.qm``)."""
