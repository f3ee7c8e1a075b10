"""The demonstration installation: a fictional province, its services, staff and synthetic data.

Everything is generated from a fixed seed and goes through the same services as real data: units and
services through the organisation service, staff through the accounts service, ratings and
interviews through ``submission.submit`` and transaction counts through the volumes import.
"""
