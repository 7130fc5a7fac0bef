"""The build's stages, one module each (load → validate → compile → link → render → feeds →
index → write), and the helpers only a stage uses."""
