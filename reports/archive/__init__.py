"""The district's archive: everything of one district out, encrypted, and back into an empty
installation. `tables` says what it holds, `writer` writes it, `reader` loads it, `services`
are the doors (request, build, download) and their audit rows."""
