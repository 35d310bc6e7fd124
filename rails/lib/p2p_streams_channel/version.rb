module P2pStreamsChannel
  # Follows the npm package's version (package.json); a test fails when they differ.
  VERSION = "0.1.0"
end
