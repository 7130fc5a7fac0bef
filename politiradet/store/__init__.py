"""What is kept between builds: validated documents, compiled records, output keys and the
published listing."""
