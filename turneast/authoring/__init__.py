"""Tools for course authors and instructors (not imported by the lessons): banks, exercises, execution."""
