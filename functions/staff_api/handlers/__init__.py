"""One Lambda entry per staff API concern; each imports only the routers it serves."""
