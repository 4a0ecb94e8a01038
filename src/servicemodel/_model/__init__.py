"""The model layer's private parts, behind :mod:`servicemodel.model`.

Layer 5 of the house (docs/explanation/layers.md): the service model and its
document (``_service_model``), proactive follow-up (``_followup``), the
assessment (``_assessment``) and its rendering (``_report_render``, ``_svg``).
:mod:`servicemodel.model` and :mod:`servicemodel.goals` are the public face.
"""
