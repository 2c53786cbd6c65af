# Raises from known methods at known call sites; prints each exception as the OTel Ruby
# SDK records it (full_message(highlight: false, order: :top)) with the frames Ruby
# itself reports (backtrace_locations, cause) and the expected group.
# `main.rb crash` dies uncaught.
require 'json'

class NotFoundError < StandardError; end
class ConfigError < StandardError; end

def lookup_user(id)
  raise NotFoundError, "user #{id} not found"
end

def handle_profile(id) = lookup_user(id)

def handle_checkout(id) = lookup_user(id)

def walk(depth)
  raise RangeError, "depth exhausted at #{Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)}" if depth.zero?

  walk(depth - 1)
end

def parse_payload(text) = JSON.parse(text)

def load_config(text)
  parse_payload(text)
rescue JSON::ParserError
  raise ConfigError, "bad config #{text}" # Ruby sets the rescued error as #cause
end

def apply_all(ids) = ids.map { |id| raise ArgumentError, "cannot apply #{id}" }

CASES = [
  ['profile', -> { handle_profile('3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c') }],
  ['profile', -> { handle_profile(1_234_567) }],
  ['checkout', -> { handle_checkout(987) }],
  ['checkout', -> { handle_checkout('alice@example.com') }],
  ['walk', -> { walk(3) }],
  ['walk', -> { walk(7) }],
  ['parse', -> { parse_payload('{"a": nope}') }],
  ['parse', -> { parse_payload('[1, 2,') }],
  ['config', -> { load_config('{oops') }],
  ['config', -> { load_config('[[[') }],
  ['closure', -> { apply_all(['x1']) }],
  ['closure', -> { apply_all(%w[y22 z]) }]
].freeze

def chain_of(error)
  out = []
  while error
    frames = (error.backtrace_locations || []).map { |l| { function: l.label, file: l.path, line: l.lineno } }
    out << { type: error.class.name, message: error.message, frames: frames }
    error = error.cause
  end
  out
end

if ARGV == ['crash']
  puts JSON.generate(group: 'profile', type: 'NotFoundError', function: 'lookup_user')
  $stdout.flush
  handle_profile(42)
end

cases = CASES.map do |group, run|
  run.call
rescue StandardError => e
  { group: group, type: e.class.name, message: e.message, chain: chain_of(e),
    trace: e.full_message(highlight: false, order: :top) }
end
puts JSON.pretty_generate(runtime: 'ruby', version: RUBY_VERSION, cases: cases)
