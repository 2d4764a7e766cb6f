from kzai_lint.cli import main

raise SystemExit(main())
