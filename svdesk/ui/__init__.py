"""The Qt Widgets desktop app. Widgets call services; they never query the database themselves."""
