"""``python -m reportgen``."""

try:
    from reportgen.cli import main

    main()
except KeyboardInterrupt:  # Ctrl-C while the command line loads or exits
    raise SystemExit(130) from None
