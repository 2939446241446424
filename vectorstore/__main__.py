from vectorstore.cli import main

raise SystemExit(main())
