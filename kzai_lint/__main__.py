from kzai_lint.cli import entry

entry()
