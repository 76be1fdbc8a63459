/**
 * The completion scripts `lieutenant completion SHELL` prints. Each hands the
 * words of the line to `lieutenant __complete` (completion.ts decides) and
 * offers what comes back; `:files` and `:dirs` become the shell's own path
 * completion. The command is called as it was typed (the line's first word),
 * so a checkout's `./bin/lieutenant.js` completes too.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

const BASH = `# lieutenant completion for bash. Load it with
#   source <(lieutenant completion bash)
# in ~/.bashrc, or save it as ~/.local/share/bash-completion/completions/lieutenant
_lieutenant() {
  local IFS=$'\\n' cur="\${COMP_WORDS[COMP_CWORD]}"
  local -a candidates
  candidates=($("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
  case "\${candidates[0]}" in
    :files) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- "$cur")) ;;
    :dirs) compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- "$cur")) ;;
    *) COMPREPLY=("\${candidates[@]}") ;;
  esac
}
complete -F _lieutenant lieutenant
`;

const ZSH = `#compdef lieutenant
# lieutenant completion for zsh. Load it with
#   source <(lieutenant completion zsh)
# in ~/.zshrc after compinit, or save it as _lieutenant in a folder of $fpath
_lieutenant() {
  local -a candidates
  candidates=("\${(@f)$(\${words[1]} __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  candidates=(\${candidates:#})
  case "\${candidates[1]}" in
    :files) _files ;;
    :dirs) _files -/ ;;
    *) compadd -a candidates ;;
  esac
}
if (( $+functions[compdef] )); then compdef _lieutenant lieutenant; fi
`;

const FISH = `# lieutenant completion for fish. Load it with
#   lieutenant completion fish | source
# in ~/.config/fish/config.fish, or save it as ~/.config/fish/completions/lieutenant.fish
function __lieutenant_complete
    set -l words (commandline -opc) (commandline -ct)
    set -l candidates ($words[1] __complete -- $words[2..-1] 2>/dev/null)
    switch "$candidates[1]"
        case :files
            __fish_complete_path (commandline -ct)
        case :dirs
            __fish_complete_directories (commandline -ct)
        case '*'
            printf '%s\\n' $candidates
    end
end
complete -c lieutenant -f -a '(__lieutenant_complete)'
`;

export function completionScript(shell: Shell): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shell];
}
