"""The event log's private parts, behind :mod:`servicemodel.interactions`.

Layer 2 of the house (docs/explanation/layers.md): the closed vocabularies
(``_vocabulary``), the events (``_events``), the rules of a log (``_rules``:
:func:`~servicemodel.interactions.check_log`), the rule for an agent's opening
message (``_opening``), the histories an interaction reads from its events
(``_interaction_history``), the facts every consumer asks (``_facts``), the
next-reply rule (``_reply_waits``) and the log folded for the SLA clocks
(``_clock_input``). :mod:`servicemodel.interactions`,
:mod:`servicemodel.feedback` and :mod:`servicemodel.customers` are the public
face; nothing here is imported by name from outside the house.
"""
