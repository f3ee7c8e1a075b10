"""Use cases of hailong, free of Flask: each module one feature."""
