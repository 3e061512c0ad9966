"""The platform site's pages the console function serves: merchant sign-up."""
