"""Partner counters: the terminal registry, the signed JSON API and the web terminal."""
