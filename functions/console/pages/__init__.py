"""The console's pages, one router per area of the menu."""
