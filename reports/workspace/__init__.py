"""Everyone's workspace: the home page per role (`home`) and the search in the header (`search`)."""
