"""`python -m demo`: the circular value chains 2023 call through the running platform."""

from demo.run import main

raise SystemExit(main())
