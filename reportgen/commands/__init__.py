"""One module per ``reportgen`` command; each is imported only when its command runs."""
