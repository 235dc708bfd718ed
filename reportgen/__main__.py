"""``python -m reportgen``."""

try:
    from reportgen.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line loads
    raise SystemExit(130) from None

main()
