"""Settings service: payment method and company info per organisation."""
