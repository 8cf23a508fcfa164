"""See an issue as subscribers will: ``terminal`` (rich) and ``server`` (a loopback web page)."""
