"""Ways of practising around the labs (``interview``: a timed mock debugging round)."""
