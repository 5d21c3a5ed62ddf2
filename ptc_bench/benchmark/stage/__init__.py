"""What an approach's stage is given and gives back: the run's spec, the prepared data, the stage
input and result, and the folder's lock and log. Below the approaches, above training and generation."""
