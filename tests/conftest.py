"""Project-wide pytest set-up: the fixture plugins live in tests/fixtures/, one module per part."""

pytest_plugins = [
    "tests.fixtures.warehouse",
    "tests.fixtures.snowflake",
    "tests.fixtures.browser",
    "tests.fixtures.portal",
]
