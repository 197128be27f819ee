"""Deployment: the container image's entrypoint (``deploy.entrypoint``) and the Kubernetes manifests (k8s/).

A package so the image runs ``python -m deploy.entrypoint`` from /app and the tests import it.
"""
