"""Packaging glue: ship the top-level ``templates/`` folder as ``reportgen/templates``.

pyproject.toml cannot add a package to the automatically found ones, so this adds it.
"""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["reportgen", "reportgen.*"]), "reportgen.templates"])
