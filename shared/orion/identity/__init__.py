"""Staff identity: users, passwords, access and refresh tokens, memberships, roles and invitations."""
