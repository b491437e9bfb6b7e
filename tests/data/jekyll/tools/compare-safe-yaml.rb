# compare-safe-yaml: how Debian's Jekyll (Psych.safe_load) and upstream Jekyll (the safe_yaml
# gem, 1.0.5) read each `date:` value of dates.tsv, and what Jekyll's Utils.parse_date
# (Time.parse(value.to_s).localtime) then makes of it.  A simulation, not a jekyll build.
#
#   cut -f1 dates.tsv | tail -n +2 | TZ=America/Los_Angeles ruby -I SAFE_YAML/lib \
#       tools/compare-safe-yaml.rb > dates-safe_yaml.tsv
#
# SAFE_YAML/lib: the lib/ folder of https://github.com/dtao/safe_yaml at tag 1.0.5 (not in
# Debian; read from a checkout, not shipped here).
require "yaml"; require "date"; require "time"
require "safe_yaml/load"
SafeYAML::OPTIONS[:suppress_warnings] = true
def jekyll_time(v)   # Jekyll's Utils.parse_date
  Time.parse(v.to_s).localtime.strftime("%Y-%m-%dT%H:%M:%S%:z")
rescue ArgumentError => e
  "INVALID"
end
puts %w[yaml psych_class psych_value jekyll_with_psych safe_yaml_class safe_yaml_value jekyll_with_safe_yaml differs].join("\t")
STDIN.each_line do |l|
  val = l.chomp.gsub("\\t", "\t")
  y = "date:#{val}\n"
  a = begin; Psych.safe_load(y, permitted_classes: [Date, Time], aliases: true)["date"]; rescue => e; e; end
  b = begin; SafeYAML.load(y)["date"]; rescue => e; e; end
  ja, jb = jekyll_time(a), jekyll_time(b)
  puts [val.gsub("\t", "\\t"), a.class, a.inspect, ja, b.class, b.inspect, jb, ja == jb ? "no" : "YES"].join("\t")
end
