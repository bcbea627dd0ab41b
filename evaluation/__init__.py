"""The development evaluation set and the script that scores the checker on it."""
