"""The example configs and data, installed as the package ``yingji_examples``.

``yingji examples DIR`` copies them into DIR, so every command of the README
works after ``pip install .`` from any folder. This file only makes the folder
a package; it is not copied.
"""
