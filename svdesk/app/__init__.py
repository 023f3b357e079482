"""The use-case layer: the one door through which the screens, the command line and the tests act.

Each use case takes the database, the acting person, the tender's reference and plain values. It
owns its transaction (one unit of work, committed before it returns), looks the tender up, applies
the cross-cutting rules (a backup before a replacing load, an import, a pack import and a
signature; the audit entry; the record version after the change), calls the model, and returns
plain results or raises a domain error (`svdesk.app.errors`). Callers never hold a session.

One module per area: `setup`, `measures`, `questions`, `pledges` (bids, pledges, pledge sheets),
`panel`, `identity` (enrolment, signing in), `scoring`, `moderation`, `signoff`, `packs` (offline
scoring packs), `reports`, `reads` (views of the record), `catalogue`, `evaluation_files` and
`database` (opening, backups, restore).
`unit` is the unit of work they all run in.
"""
