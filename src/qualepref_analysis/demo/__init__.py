"""The demo data set: a deterministic generator reproducing the 2022 review of the Hauts-de-Seine."""
