from oitcheck.cli import main

raise SystemExit(main())
