"""Shared code for the chapters of ConvNets from Scratch: images, plots and widgets."""
