"""What happens: hazards, incident streams, cascades, road damage and blind drills."""
