"""medborgersim's Hydra plugins (found by Hydra's plugin scan of ``hydra_plugins``)."""
