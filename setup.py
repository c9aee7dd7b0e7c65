"""The compiled capture reader (scanner/sources/_fastpath.c); everything else is in pyproject.toml.

The extension is optional: without a C compiler the install still succeeds and camscan reads
captures with its pure-Python reader (same reports, slower).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "scanner.sources._fastpath",
            ["scanner/sources/_fastpath.c"],
            extra_compile_args=["-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
            optional=True,
        )
    ]
)
