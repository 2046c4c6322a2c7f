"""Serializers of the review committee's API (invitations and declarations, meetings and scores)."""
